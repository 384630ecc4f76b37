"""Console scripts: the standalone server and the demo."""
