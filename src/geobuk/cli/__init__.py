"""The command line: a thin layer that parses arguments, calls a stage, and prints the result."""
