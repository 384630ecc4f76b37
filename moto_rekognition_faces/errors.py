"""Rekognition's exceptions, as moto puts them on the wire (HTTP 4xx/5xx, ``__type``, message)."""

from __future__ import annotations

from moto.core.exceptions import JsonRESTError

INVALID_PARAMETERS = "Request has invalid parameters."


class RekognitionError(JsonRESTError):
    """Base: a code and a message, HTTP 400 unless the subclass says otherwise."""

    error_code = "InvalidParameterException"
    default_message = INVALID_PARAMETERS
    status = 400

    def __init__(self, message: str | None = None) -> None:
        super().__init__(self.error_code, message or self.default_message)
        self.code = self.status  # werkzeug's HTTP status


class InvalidParameterException(RekognitionError):
    error_code = "InvalidParameterException"


class InvalidImageFormatException(RekognitionError):
    error_code = "InvalidImageFormatException"
    default_message = "Request has invalid image format."


class ImageTooLargeException(RekognitionError):
    error_code = "ImageTooLargeException"
    default_message = "Image size is too large."


class InvalidS3ObjectException(RekognitionError):
    error_code = "InvalidS3ObjectException"
    default_message = (
        "Unable to get object metadata from S3. Check object key, region and/or access permissions."
    )


class ResourceNotFoundException(RekognitionError):
    error_code = "ResourceNotFoundException"
    default_message = "The resource does not exist."


class InternalServerError(RekognitionError):
    error_code = "InternalServerError"
    default_message = "Internal server error"
    status = 500


class ValidationError(RekognitionError):
    """A request that breaks a constraint of the service model; the code is configurable."""

    def __init__(self, code: str, message: str) -> None:
        JsonRESTError.__init__(self, code, message)


class ResourceAlreadyExistsException(RekognitionError):
    error_code = "ResourceAlreadyExistsException"
    default_message = "The resource already exists."


class InvalidPaginationTokenException(RekognitionError):
    error_code = "InvalidPaginationTokenException"
    default_message = "Invalid Pagination Token"


class ServiceQuotaExceededException(RekognitionError):
    error_code = "ServiceQuotaExceededException"
    default_message = "The size of the collection exceeds the allowed limit."


class ConflictException(RekognitionError):
    error_code = "ConflictException"
    default_message = "A User with the same Id already exists within the collection."


class IdempotentParameterMismatchException(RekognitionError):
    error_code = "IdempotentParameterMismatchException"
    default_message = "The ClientRequestToken you have supplied is already in use."


class LimitExceededException(RekognitionError):
    error_code = "LimitExceededException"
    default_message = "Too many concurrent jobs."


class UnknownOperationException(RekognitionError):
    error_code = "UnknownOperationException"
    default_message = "Unknown operation."


class SerializationException(RekognitionError):
    error_code = "SerializationException"
    default_message = "The request body could not be parsed as JSON."
