"""Partner Management bounded context: partners, their validation and lifecycle."""
