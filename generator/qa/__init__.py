"""Questions about maps, answered from the maps and their evidence, with citations."""
