"""One class per group of Rekognition actions: parse, validate, run, serialize."""
