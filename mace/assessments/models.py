"""Risk and vulnerabilities assessments of children, on a versioned instrument."""
