"""Input data: English source records of every split (synthetic world or real datasets) and translation."""
