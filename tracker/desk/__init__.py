"""The press officers' desk: one inquiry, its actions and timeline; phone intake."""
