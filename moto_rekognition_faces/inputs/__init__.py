"""The Image and Video members of a request: bytes or moto S3 objects, checked as Rekognition
checks them, decoded into arrays the vision layer can read."""
