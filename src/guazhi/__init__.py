"""Guazhi (挂职): cadre secondment programmes run end to end."""
