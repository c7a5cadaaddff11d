"""Calendars: meetings and tasks by time, as pages (week, month) and iCalendar feeds."""
