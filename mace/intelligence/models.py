"""Persons of concern, locations, vehicles, phones and online accounts, and the links between
them and children."""
