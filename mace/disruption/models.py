"""Disruption activity against those who exploit children, and the evidence collected for
prosecutions."""
