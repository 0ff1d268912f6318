"""Virtual reality and 360°: the catalogue of scenes, practice with a comfort check and a
debrief, headsets booked by slot."""
