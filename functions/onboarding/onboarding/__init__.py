"""Onboarding bounded context: the event-sourced Contract aggregate."""
