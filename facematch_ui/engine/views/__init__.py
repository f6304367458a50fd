"""The /v1 API views: thin, in the spec's shapes; logic lives in plain modules."""
