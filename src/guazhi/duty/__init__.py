"""On-duty management (在岗管理): leave and return, away reports, attendance, the work log, the task
list, heart-to-heart talks, periodic reports, spot inspections and the reminders about them.

Everything here hangs off a programmes Assignment: a person serving in a post for a term.
"""
