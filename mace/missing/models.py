"""Children who go missing: episodes, police risk grades and return home interviews."""
