"""The skill map: target jobs, what trainings cover, prerequisites and related skills, the
links worth making, and each learner's way towards a job."""

from community.skill_map.jobs import (
    add_job,
    add_job_skill,
    add_training_skill,
    describe_skill,
    set_code,
)
from community.skill_map.links import add_link, remove_link
from community.skill_map.pages import map_page, provider_jobs
from community.skill_map.pathway import choose_job, pathway

__all__ = [
    "add_job",
    "add_job_skill",
    "add_link",
    "add_training_skill",
    "choose_job",
    "describe_skill",
    "map_page",
    "pathway",
    "provider_jobs",
    "remove_link",
    "set_code",
]
