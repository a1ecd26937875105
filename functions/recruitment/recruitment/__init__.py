"""Recruitment bounded context: candidates and jobs, searched and matched through a search port."""
