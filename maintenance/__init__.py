"""Equipment maintenance (R9): the equipment register, the fault log with its lifecycle, faults the
system opens itself from camera, tamper and storage conditions, and scheduled maintenance checks."""
