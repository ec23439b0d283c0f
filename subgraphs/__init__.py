"""The four Media Gateway subgraphs and the code they share (`common`)."""
