"""The regulations' heart: duty log, handovers, roster and presence, tasks, incident intake, visitors."""
