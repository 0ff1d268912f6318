"""After work (reverse work-study): the journal of work situations, mentor links, pooling."""
