"""What moto calls: the graft, dispatch, test control, and one class per group of actions.

Actions parse and validate a request, take an image or video from ``inputs``, run ``vision``,
keep or read records in ``state``, and serialize Rekognition's answer."""
