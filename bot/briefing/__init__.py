"""The pure core: dataclasses and algorithms, no I/O and no frameworks."""
