"""Work centers, calendars, routings, work orders, the scheduler, the planner board and travelers."""
