"""Performance benchmarks (`make bench-handoff`). Each starts its own stack on free ports."""
