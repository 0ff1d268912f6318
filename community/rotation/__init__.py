"""Job rotation ("Relais"): companies declare departures for training, job-seeker learners opt
in to replace them, coordinators match and propose, both sides decide."""
