"""A deterministic synthetic talent pool and query mix for the search benchmark."""

from __future__ import annotations

import random
from typing import Any

from recruitment.domain.search import CandidateQuery

SKILLS = [
    "python",
    "java",
    "go",
    "rust",
    "typescript",
    "react",
    "vue",
    "angular",
    "node",
    "aws",
    "gcp",
    "azure",
    "docker",
    "kubernetes",
    "terraform",
    "ansible",
    "postgresql",
    "mysql",
    "mongodb",
    "redis",
    "kafka",
    "spark",
    "airflow",
    "dbt",
    "pandas",
    "pytorch",
    "tensorflow",
    "sql",
    "graphql",
    "grpc",
    "linux",
    "bash",
    "c",
    "c++",
    "c#",
    ".net",
    "swift",
    "kotlin",
    "android",
    "ios",
    "figma",
    "seo",
    "sem",
    "copywriting",
    "salesforce",
    "hubspot",
    "excel",
    "tableau",
    "power bi",
    "scrum",
    "jira",
    "selenium",
    "cypress",
    "php",
    "laravel",
    "django",
    "flask",
    "fastapi",
    "spring",
    "rails",
]
CITIES = [
    "Madrid",
    "Barcelona",
    "Valencia",
    "Sevilla",
    "Bilbao",
    "Malaga",
    "Zaragoza",
    "Lisboa",
    "Porto",
    "Mexico City",
    "Bogota",
    "Lima",
    "Santiago",
    "Buenos Aires",
    "Montevideo",
    "Quito",
    "Remote",
    "Berlin",
    "Paris",
    "London",
]
FIRST = [
    "Ana",
    "Luis",
    "Maria",
    "Jose",
    "Lucia",
    "Carlos",
    "Elena",
    "Pablo",
    "Sofia",
    "Diego",
    "Laura",
    "Javier",
    "Marta",
    "Andres",
    "Paula",
    "Miguel",
    "Carmen",
    "Hugo",
    "Irene",
    "Daniel",
]
LAST = [
    "Garcia",
    "Lopez",
    "Martinez",
    "Sanchez",
    "Perez",
    "Gomez",
    "Ruiz",
    "Diaz",
    "Moreno",
    "Alvarez",
    "Romero",
    "Navarro",
    "Torres",
    "Dominguez",
    "Vazquez",
    "Ramos",
    "Gil",
    "Serrano",
    "Molina",
    "Castro",
]
WORDS = [
    "engineer",
    "developer",
    "designer",
    "analyst",
    "manager",
    "lead",
    "senior",
    "junior",
    "backend",
    "frontend",
    "fullstack",
    "data",
    "platform",
    "cloud",
    "mobile",
    "marketing",
    "growth",
    "product",
    "team",
    "startup",
    "fintech",
    "ecommerce",
    "payments",
    "scalable",
    "distributed",
    "systems",
    "apis",
    "pipelines",
    "dashboards",
    "campaigns",
    "content",
    "brand",
    "remote",
    "agile",
    "mentor",
    "open",
    "source",
    "performance",
    "security",
]
AVAILABILITY = ["IMMEDIATE", "TWO_WEEKS", "ONE_MONTH", "UNAVAILABLE"]


def candidates(count: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    docs = []
    for n in range(count):
        docs.append(
            {
                "candidate_id": f"bench-{n:07d}",
                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "email": None,
                "skills": rng.sample(SKILLS, rng.randint(3, 8)),
                "experience_years": rng.randint(0, 30),
                "location": rng.choice(CITIES),
                "availability": rng.choice(AVAILABILITY),
                "profile_summary": " ".join(rng.choice(WORDS) for _ in range(rng.randint(15, 30))),
                "created_at": "2026-11-27T00:00:00.000Z",
                "updated_at": "2026-11-27T00:00:00.000Z",
                "version": 1,
            }
        )
    return docs


def queries(count: int, seed: int = 11) -> list[CandidateQuery]:
    """A mix: text only, text + filters, filters only, multi-skill, and deep-ish pages via the cursor."""
    rng = random.Random(seed)
    mix = []
    for n in range(count):
        kind = n % 5
        text = " ".join(rng.sample(WORDS + FIRST, rng.randint(1, 3))) if kind in (0, 1, 4) else ""
        skills = tuple(rng.sample(SKILLS, rng.randint(1, 2))) if kind in (1, 2, 3) else ()
        mix.append(
            CandidateQuery(
                text=text,
                skills=skills,
                min_experience=rng.choice([None, 2, 5]) if kind in (1, 2) else None,
                max_experience=rng.choice([None, 10, 20]) if kind == 2 else None,
                location=rng.choice(CITIES) if kind in (2, 3) else None,
                availability=rng.choice(AVAILABILITY) if kind == 3 else None,
                limit=20,
            )
        )
    return mix
