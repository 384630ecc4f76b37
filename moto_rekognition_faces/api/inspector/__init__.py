"""What the mock saw: recent requests, thumbnails of indexed faces, and the HTML that shows them
(the server's page at /moto-api/rekognition/ and the pytest trace files)."""
