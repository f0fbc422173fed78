"""The parts of :mod:`revcycle.terms`: due-date rules, schedules and payments, parsing."""
