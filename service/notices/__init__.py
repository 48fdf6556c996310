"""Staff notices: one email to each opted-in staff member when an event or call first goes out."""
