"""A procedure's submissions as a whole: statistics, charts, distributions and exports."""
