"""Who may do what: every permission rule of every area, for every role, as one matrix."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from community import areas, permissions
from community.models import Role, User

PROVIDER = 1
OTHER_PROVIDER = 2


def person(role: Role, provider_id: int | None = None) -> User:
    return User(
        email="p@x.fr", display_name="P", password_hash="-", role=role, provider_id=provider_id
    )


# Each role, and its relation to the group (iteration) that the rules are asked about.
PEOPLE: dict[str, tuple[User | None, str | None]] = {
    "anonymous": (None, None),
    "outsider learner": (person(Role.LEARNER), None),
    "enrolled learner": (person(Role.LEARNER), "learner"),
    "trainer of it": (person(Role.TRAINER, PROVIDER), "trainer"),
    "trainer elsewhere": (person(Role.TRAINER, OTHER_PROVIDER), None),
    "trainer, same provider": (person(Role.TRAINER, PROVIDER), None),
    "staff": (person(Role.STAFF, PROVIDER), None),
    "other staff": (person(Role.STAFF, OTHER_PROVIDER), None),
    "admin": (person(Role.ADMIN), None),
    # Job rotation: the contact of the company a departure belongs to, and of another one.
    "company contact": (person(Role.COMPANY, PROVIDER), None),
    "other company contact": (person(Role.COMPANY, PROVIDER), None),
    # A regional coordinator whose region holds the provider, and one whose region does not.
    "regional coordinator": (person(Role.COORDINATOR), None),
    "other region's coordinator": (person(Role.COORDINATOR), None),
}
# The providers each regional coordinator runs the rotation of (nobody else has a region).
REGIONS = {
    "regional coordinator": frozenset({PROVIDER, 3}),
    "other region's coordinator": frozenset({OTHER_PROVIDER, 3}),
}
ALL = frozenset(PEOPLE)
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NOBODY: frozenset[str] = frozenset()
LEARNERS = frozenset({"outsider learner", "enrolled learner"})
STAFF = frozenset({"staff", "admin"})
TEACHING = STAFF | {"trainer of it"}
CURATORS = STAFF | {"trainer of it", "trainer, same provider"}
# Who runs a provider's rotation, and who runs another provider's.
COORDINATING = STAFF | {"regional coordinator"}
COORDINATING_ELSEWHERE = frozenset({"admin", "other staff", "other region's coordinator"})


def rotation_facts(who: str) -> dict[str, Any]:
    """A departure as the person asked about stands to it: the contact of its company, or
    the learner proposed for it (the enrolled learner); "outsider learner" is another one."""
    is_contact = who == "company contact"
    departure = permissions.DepartureFacts(
        PROVIDER, is_contact=is_contact, is_candidate=who == "enrolled learner"
    )
    return {"departure": departure, "is_contact": is_contact}


def arguments(rule: Callable[..., bool], who: str, given: dict[str, Any]) -> dict[str, Any]:
    """What a rule is asked with: the person, the facts of the group as that person sees
    it, its provider, and whatever the case fixes."""
    user, enrolment = PEOPLE[who]
    joined_at = given.get("joined_at") if enrolment else None
    region = REGIONS.get(who, frozenset())
    known = {
        "user": user,
        "facts": permissions.IterationFacts(PROVIDER, enrolment, joined_at),
        "provider_id": PROVIDER,
        "region": region,
        **rotation_facts(who),
        **given,
    }
    # A departure is seen with the asker's region, whatever else the case fixes about it.
    known["departure"] = dataclasses.replace(known["departure"], region=region)
    return {name: known[name] for name in inspect.signature(rule).parameters}


# Project rules are asked about a person's place in the project, which each case fixes.
NO_SEAT = permissions.ProjectPlace()
WAITING = permissions.ProjectPlace(joined=True)
MEMBER = permissions.ProjectPlace(joined=True, is_member=True)
AUTHOR = permissions.ProjectPlace(is_author=True, joined=True, is_member=True, is_lead=True)
SIGNED_IN = ALL - {"anonymous"}
OTHER_DEPARTURE = permissions.DepartureFacts(OTHER_PROVIDER)
# A departure asked about by the employee who leaves, or by the replacement both accepted.
AS_EMPLOYEE = permissions.DepartureFacts(PROVIDER, is_employee=True)
AS_REPLACEMENT = permissions.DepartureFacts(PROVIDER, is_replacement=True)
ENROLLED_LEARNER = frozenset({"enrolled learner"})
SEES_GROUP = TEACHING | ENROLLED_LEARNER


def message(*, wrote_it: bool, hidden: bool = False, locked: bool = False) -> dict[str, Any]:
    """A project message as the person asked about sees it: theirs or not, hidden by a
    trainer or not, in a locked space or not."""
    return {"wrote_it": wrote_it, "hidden": hidden, "locked": locked}


def help_facts(part: str | None, matched: bool = True) -> dict[str, Any]:
    """A help request as the person asked about sees it: what they are to it, and whether
    a tutor was chosen (the generic facts say nothing of requests)."""
    facts = permissions.HelpFacts(permissions.HelpPart(part) if part else None, matched)
    return {"help_request": facts}


def holder(role: Role, *providers: int, is_self: bool = False) -> dict[str, Any]:
    """The account staff are asked to delete: its role, its providers, whether it is theirs."""
    return {"holder": permissions.AccountHolder(role, frozenset(providers), is_self)}


# rule, what the case fixes, who is allowed. Grouped by area; one line per case.
CASES: dict[str, tuple[Callable[..., bool], dict[str, Any], frozenset[str]]] = {
    # trainings
    "view a group": (permissions.can_view_iteration, {}, {"enrolled learner"} | TEACHING),
    "see the join code": (permissions.can_see_join_code, {}, TEACHING),
    "manage trainings": (permissions.can_manage_trainings, {}, STAFF),
    "create a training": (permissions.can_create_training, {}, STAFF),
    "create a group": (permissions.can_create_iteration, {}, STAFF),
    "add a session": (permissions.can_add_session, {}, STAFF),
    "add a trainer": (permissions.can_add_trainer, {}, STAFF),
    "remove a member": (permissions.can_remove_member, {}, STAFF),
    "renew the join code": (permissions.can_renew_join_code, {}, STAFF),
    "set the support threshold": (permissions.can_set_support_threshold, {}, TEACHING),
    "join a group": (permissions.can_join_iterations, {}, LEARNERS),
    # announcements
    "announce to a group": (permissions.can_announce, {}, TEACHING),
    # accounts
    "edit one's profile": (permissions.can_edit_profile, {}, ALL - {"anonymous"}),
    # exports
    "request an archive of one's data": (
        permissions.can_request_data_export, {}, ALL - {"anonymous"}
    ),
    "download one's own archive": (
        permissions.can_download_data_export, {"owns_it": True}, ALL - {"anonymous"}
    ),
    "download someone else's archive": (
        permissions.can_download_data_export, {"owns_it": False}, NOBODY
    ),
    # erasure: whose account staff may delete, on the holder's request (see holder())
    "delete one's own account": (permissions.can_delete_own_account, {}, SIGNED_IN),
    "take erasure requests": (
        permissions.can_take_erasure_requests,
        {},
        STAFF | {"other staff"},
    ),
    "erase a learner of the provider": (
        permissions.can_erase_account_of,
        holder(Role.LEARNER, PROVIDER),
        STAFF,
    ),
    "erase a trainer of the provider": (
        permissions.can_erase_account_of,
        holder(Role.TRAINER, PROVIDER),
        STAFF,
    ),
    "erase a learner of another provider": (
        permissions.can_erase_account_of,
        holder(Role.LEARNER, OTHER_PROVIDER),
        frozenset({"other staff", "admin"}),
    ),
    "erase a learner enrolled nowhere": (
        permissions.can_erase_account_of,
        holder(Role.LEARNER),
        NOBODY,
    ),
    "erase staff of the provider": (
        permissions.can_erase_account_of,
        holder(Role.STAFF, PROVIDER),
        NOBODY,
    ),
    "erase an administrator": (
        permissions.can_erase_account_of,
        holder(Role.ADMIN, PROVIDER),
        NOBODY,
    ),
    "erase oneself through the staff page": (
        permissions.can_erase_account_of,
        holder(Role.TRAINER, PROVIDER, is_self=True),
        NOBODY,
    ),
    # mail (everyone's address is unconfirmed in this matrix)
    "ask for a link to confirm one's address": (
        permissions.can_ask_address_check, {}, ALL - {"anonymous"}
    ),
    "read the outbox": (permissions.can_read_outbox, {}, frozenset({"admin"})),
    # digests
    "choose one's e-mail digests": (permissions.can_choose_digests, {}, LEARNERS),
    "unsubscribe with a signed link": (
        permissions.can_unsubscribe_from_digests, {"link_is_signed": True}, ALL
    ),
    "unsubscribe with an altered link": (
        permissions.can_unsubscribe_from_digests, {"link_is_signed": False}, NOBODY
    ),
    # feedback, pulse, reports, improvements
    "give feedback": (permissions.can_give_feedback, {}, frozenset({"enrolled learner"})),
    "rate a session held since joining": (
        permissions.can_rate_session,
        {"joined_at": MONDAY, "session_ends_at": MONDAY + timedelta(hours=3)},
        ENROLLED_LEARNER,
    ),
    "rate a session over before joining": (
        permissions.can_rate_session,
        {"joined_at": MONDAY, "session_ends_at": MONDAY - timedelta(days=7)},
        NOBODY,
    ),
    "review feedback": (permissions.can_review_feedback, {}, TEACHING),
    "review comments": (permissions.can_review_comments, {}, TEACHING),
    "see response rates": (permissions.can_see_response_rates, {}, TEACHING),
    "set feedback criteria": (permissions.can_set_feedback_criteria, {}, STAFF),
    "send to the pulse": (permissions.can_send_pulse, {}, frozenset({"enrolled learner"})),
    "watch the pulse": (permissions.can_watch_pulse, {}, TEACHING),
    "open the reports": (permissions.can_open_reports, {}, ALL - LEARNERS - {"anonymous"}),
    "follow the provider's reports": (permissions.can_follow_provider_reports, {}, STAFF),
    "read an unpublished report": (
        permissions.can_read_report, {"published": False}, TEACHING
    ),
    "read a published report": (
        permissions.can_read_report, {"published": True}, TEACHING | {"enrolled learner"}
    ),
    "publish a report": (permissions.can_publish_report, {}, STAFF),
    "set the anonymity threshold": (permissions.can_set_anonymity_threshold, {}, STAFF),
    "compare formats": (permissions.can_compare_formats, {}, STAFF),
    "read the audit record": (permissions.can_read_evidence, {}, STAFF),
    "record an improvement": (permissions.can_record_improvement, {}, STAFF),
    # privacy
    "read the record of processing": (
        permissions.can_read_processing_record, {}, STAFF | {"other staff"}
    ),
    "read the retention job's runs": (
        permissions.can_read_retention_runs, {}, frozenset({"admin"})
    ),
    # tutoring
    # tutoring: a request's rules are asked with what the person is to it (see help_facts)
    "curate skills": (
        permissions.can_curate_skills, {}, STAFF | {"trainer of it", "trainer, same provider"}
    ),
    "seek help": (permissions.can_seek_help, {}, LEARNERS),
    "ask for help, in a group": (permissions.can_ask_for_help, {"enrolled": True}, LEARNERS),
    "ask for help, in no group": (permissions.can_ask_for_help, {"enrolled": False}, NOBODY),
    "read a request, as its requester": (
        permissions.can_read_help_request, help_facts("requester"), LEARNERS
    ),
    "read a request, as a peer": (permissions.can_read_help_request, help_facts("peer"), LEARNERS),
    "read a request, as a stranger": (
        permissions.can_read_help_request, help_facts(None), NOBODY
    ),
    "offer help, as a peer": (permissions.can_offer_help, help_facts("peer"), LEARNERS),
    "offer help, as the requester": (
        permissions.can_offer_help, help_facts("requester"), NOBODY
    ),
    "offer help, as a stranger": (permissions.can_offer_help, help_facts(None), NOBODY),
    "accept an offer, as the requester": (
        permissions.can_accept_help_offer, help_facts("requester"), LEARNERS
    ),
    "accept an offer, as a peer": (
        permissions.can_accept_help_offer, help_facts("peer"), NOBODY
    ),
    "schedule, as the tutor": (
        permissions.can_schedule_help_session, help_facts("tutor"), LEARNERS
    ),
    "schedule, as the requester": (
        permissions.can_schedule_help_session, help_facts("requester"), LEARNERS
    ),
    "schedule, before a tutor is chosen": (
        permissions.can_schedule_help_session, help_facts("requester", matched=False), NOBODY
    ),
    "schedule, as a peer": (
        permissions.can_schedule_help_session, help_facts("peer"), NOBODY
    ),
    "confirm, as the tutor": (
        permissions.can_confirm_help_session, help_facts("tutor"), LEARNERS
    ),
    "confirm, as the requester": (
        permissions.can_confirm_help_session, help_facts("requester"), LEARNERS
    ),
    "confirm, before a tutor is chosen": (
        permissions.can_confirm_help_session, help_facts("requester", matched=False), NOBODY
    ),
    "confirm, as a peer": (permissions.can_confirm_help_session, help_facts("peer"), NOBODY),
    "cancel, as the requester": (
        permissions.can_cancel_help_request, help_facts("requester", matched=False), LEARNERS
    ),
    "cancel, as the tutor": (
        permissions.can_cancel_help_request, help_facts("tutor"), LEARNERS
    ),
    "cancel, as a peer": (permissions.can_cancel_help_request, help_facts("peer"), NOBODY),
    "thank, as the requester": (
        permissions.can_thank_tutor, help_facts("requester"), LEARNERS
    ),
    "thank, as the tutor": (permissions.can_thank_tutor, help_facts("tutor"), NOBODY),
    "mark skills": (permissions.can_mark_skills, {}, LEARNERS),
    "suggest a skill, in a group": (
        permissions.can_suggest_skill, {"enrolled": True}, LEARNERS
    ),
    "suggest a skill, in no group": (
        permissions.can_suggest_skill, {"enrolled": False}, NOBODY
    ),
    "see skill suggestions, in a group": (
        permissions.can_see_skill_suggestions, {"enrolled": True}, LEARNERS
    ),
    "see skill suggestions, in no group": (
        permissions.can_see_skill_suggestions, {"enrolled": False}, NOBODY
    ),
    "read a group's needs": (permissions.can_read_help_needs, {}, TEACHING),
    # skill map
    "view the skill map": (permissions.can_view_skill_map, {}, CURATORS),
    "link skills": (permissions.can_link_skills, {}, CURATORS),
    "unlink skills": (permissions.can_unlink_skills, {}, CURATORS),
    "define a target job": (permissions.can_define_target_job, {}, CURATORS),
    "map a training's skills": (permissions.can_map_training_skills, {}, CURATORS),
    "code a skill": (permissions.can_code_skill, {}, CURATORS),
    "describe a skill": (permissions.can_describe_skill, {}, CURATORS),
    "choose a target job, enrolled": (
        permissions.can_choose_target_job, {"enrolled": True}, LEARNERS
    ),
    "choose a target job, in no group": (
        permissions.can_choose_target_job, {"enrolled": False}, NOBODY
    ),
    # pathways
    "open the compass": (permissions.can_open_compass, {}, LEARNERS),
    "turn suggestions on or off": (permissions.can_turn_suggestions, {}, LEARNERS),
    "say a card helped or is not for me": (permissions.can_judge_card, {}, LEARNERS),
    "erase what I said of cards": (permissions.can_erase_card_verdicts, {}, LEARNERS),
    "pin a card for a learner of the group": (
        permissions.can_pin_card, {}, frozenset({"trainer of it"})
    ),
    "read the group's card report": (permissions.can_read_card_report, {}, TEACHING),
    "remove a card from a learner's compass": (
        permissions.can_remove_card, {}, frozenset({"trainer of it"})
    ),
    "read how suggestions reach a training's groups": (
        permissions.can_read_suggestion_fairness, {}, CURATORS
    ),
    # before the session
    "prepare a session's capsule": (
        permissions.can_prepare_capsule, {}, frozenset({"trainer of it"})
    ),
    "explore a capsule": (permissions.can_explore_capsule, {}, ENROLLED_LEARNER),
    "say what blocks before a session": (permissions.can_say_what_blocks, {}, ENROLLED_LEARNER),
    "read the readiness board": (permissions.can_read_readiness, {}, TEACHING),
    "rename a topic of blocking points": (permissions.can_name_topic, {}, TEACHING),
    "merge two topics of blocking points": (permissions.can_merge_topics, {}, TEACHING),
    "record what a session changes because of its learners": (
        permissions.can_record_capsule_change, {}, TEACHING
    ),
    "read what a session changes because of its learners": (
        permissions.can_read_capsule_changes, {}, SEES_GROUP
    ),
    "ask about a capsule": (permissions.can_ask_about_capsule, {}, ENROLLED_LEARNER),
    "answer a question about a capsule": (
        permissions.can_answer_about_capsule, {}, ENROLLED_LEARNER | {"trainer of it"}
    ),
    "hide a question or mark the good answer": (
        permissions.can_moderate_capsule_questions, {}, frozenset({"trainer of it"})
    ),
    "invite ready learners to help their peers": (
        permissions.can_invite_peer_tutors, {}, frozenset({"trainer of it"})
    ),
    "accept or decline to help peers": (
        permissions.can_answer_peer_invitation, {}, ENROLLED_LEARNER
    ),
    # virtual reality and 360°
    "add a 360° scene to the catalogue": (permissions.can_add_vr_scene, {}, CURATORS),
    "open a scene, enrolled with the provider": (
        permissions.can_open_vr_scene, {"enrolled": True}, CURATORS | LEARNERS
    ),
    "open a scene, not enrolled with the provider": (
        permissions.can_open_vr_scene, {"enrolled": False}, CURATORS
    ),
    "practise a scene, enrolled": (permissions.can_practise_vr, {"enrolled": True}, LEARNERS),
    "practise a scene, not enrolled": (permissions.can_practise_vr, {"enrolled": False}, NOBODY),
    "read one's debrief": (permissions.can_read_vr_debrief, {"wrote_it": True}, SIGNED_IN),
    "read someone's debrief": (permissions.can_read_vr_debrief, {"wrote_it": False}, NOBODY),
    "manage the provider's headsets": (permissions.can_manage_headsets, {}, CURATORS),
    "book a headset, enrolled": (permissions.can_book_headset, {"enrolled": True}, LEARNERS),
    "book a headset, not enrolled": (permissions.can_book_headset, {"enrolled": False}, NOBODY),
    "cancel one's booking": (
        permissions.can_cancel_headset_booking, {"booked_it": True}, SIGNED_IN
    ),
    "cancel someone's booking": (
        permissions.can_cancel_headset_booking, {"booked_it": False}, NOBODY
    ),
    # after work: the journal
    "keep a journal": (permissions.can_keep_journal, {}, LEARNERS),
    "write a journal entry in a group": (permissions.can_write_entry, {}, ENROLLED_LEARNER),
    "read one's own private entry": (
        permissions.can_read_entry, {"is_author": True, "shared": False}, SIGNED_IN
    ),
    "read someone's private entry": (
        permissions.can_read_entry, {"is_author": False, "shared": False}, NOBODY
    ),
    "read an entry shared with the group": (
        permissions.can_read_entry,
        {"is_author": False, "shared": True},
        ENROLLED_LEARNER | {"trainer of it"},
    ),
    "change one's own entry": (permissions.can_change_entry, {"is_author": True}, SIGNED_IN),
    "change someone's entry": (permissions.can_change_entry, {"is_author": False}, NOBODY),
    # bridges
    "bridge one's own text": (permissions.can_bridge_own_text, {"is_author": True}, SIGNED_IN),
    "bridge someone's text": (permissions.can_bridge_own_text, {"is_author": False}, NOBODY),
    "share one's entry with the group": (
        permissions.can_share_entry, {"is_author": True}, ENROLLED_LEARNER
    ),
    "share someone's entry": (permissions.can_share_entry, {"is_author": False}, NOBODY),
    "answer a usable mentor link": (permissions.can_answer_as_mentor, {"usable": True}, ALL),
    "answer an expired or revoked mentor link": (
        permissions.can_answer_as_mentor, {"usable": False}, NOBODY
    ),
    "read a session's pooling": (
        permissions.can_read_pooling, {}, ENROLLED_LEARNER | {"trainer of it"}
    ),
    "comment a shared entry": (
        permissions.can_comment_shared_entry, {}, ENROLLED_LEARNER | {"trainer of it"}
    ),
    "prepare the pooling by skill": (
        permissions.can_prepare_pooling, {}, frozenset({"trainer of it"})
    ),
    "pick a shared entry to discuss in the session": (
        permissions.can_pick_entry_to_discuss, {}, frozenset({"trainer of it"})
    ),
    "validate a skill from a shared entry": (
        permissions.can_validate_skill, {}, frozenset({"trainer of it"})
    ),
    "read one's own evidence by skill": (
        permissions.can_read_skill_evidence, {"is_learner": True}, SIGNED_IN
    ),
    "read a learner's evidence by skill": (
        permissions.can_read_skill_evidence, {"is_learner": False}, frozenset({"trainer of it"})
    ),
    "read a learner's evidence without a group": (
        permissions.can_read_skill_evidence, {"is_learner": False, "facts": None}, NOBODY
    ),
    "print one's skills dossier": (permissions.can_print_dossier, {}, LEARNERS),
    # rotation
    "appoint a regional coordinator": (
        permissions.can_appoint_regional_coordinator, {}, frozenset({"admin"})
    ),
    "run the rotation of the provider": (permissions.can_coordinate_rotation, {}, COORDINATING),
    "invite a company contact": (permissions.can_invite_company_contact, {}, COORDINATING),
    "declare a departure of one's company": (
        permissions.can_declare_departure, {}, frozenset({"company contact"})
    ),
    "view a departure": (permissions.can_view_departure, {}, COORDINATING | {"company contact"}),
    "view a departure of another provider": (
        permissions.can_view_departure, {"departure": OTHER_DEPARTURE}, COORDINATING_ELSEWHERE
    ),
    "view one's own departure as the employee who leaves": (
        permissions.can_view_departure, {"departure": AS_EMPLOYEE}, COORDINATING | LEARNERS
    ),
    "view a departure as the accepted replacement": (
        permissions.can_view_departure, {"departure": AS_REPLACEMENT}, COORDINATING | LEARNERS
    ),
    "name the departing employee": (
        permissions.can_name_departing_employee, {}, frozenset({"company contact"})
    ),
    "name the employee of another provider's departure": (
        permissions.can_name_departing_employee, {"departure": OTHER_DEPARTURE}, NOBODY
    ),
    "write a handover, not being the employee": (permissions.can_write_handover, {}, NOBODY),
    "write one's handover as the employee": (
        permissions.can_write_handover, {"departure": AS_EMPLOYEE}, LEARNERS
    ),
    "read a handover before being the accepted replacement": (
        permissions.can_read_handover, {}, COORDINATING | {"company contact"}
    ),
    "read a handover as the accepted replacement": (
        permissions.can_read_handover, {"departure": AS_REPLACEMENT}, COORDINATING | LEARNERS
    ),
    "read a handover of another provider": (
        permissions.can_read_handover, {"departure": OTHER_DEPARTURE}, COORDINATING_ELSEWHERE
    ),
    "log tutoring, not being the employee": (
        permissions.can_log_handover_tutoring, {}, NOBODY
    ),
    "log tutoring of one's replacement as the employee": (
        permissions.can_log_handover_tutoring, {"departure": AS_EMPLOYEE}, LEARNERS
    ),
    "choose the replacement's onboarding group": (
        permissions.can_choose_onboarding_group, {}, COORDINATING
    ),
    "choose the onboarding group of another provider's departure": (
        permissions.can_choose_onboarding_group,
        {"departure": OTHER_DEPARTURE},
        COORDINATING_ELSEWHERE,
    ),
    "rank the pool for a departure": (permissions.can_match_candidates, {}, COORDINATING),
    "propose a candidate": (permissions.can_propose_candidate, {}, COORDINATING),
    "propose for another provider's departure": (
        permissions.can_propose_candidate, {"departure": OTHER_DEPARTURE}, COORDINATING_ELSEWHERE
    ),
    "accept or decline a candidate": (
        permissions.can_decide_as_company, {}, frozenset({"company contact"})
    ),
    "accept or decline as the candidate": (
        permissions.can_decide_as_candidate, {}, ENROLLED_LEARNER
    ),
    "see a candidate's address before both accepted": (
        permissions.can_see_candidate_contact, {"both": False}, COORDINATING
    ),
    "see a candidate's address once both accepted": (
        permissions.can_see_candidate_contact, {"both": True}, COORDINATING | {"company contact"}
    ),
    "join the rotation pool": (permissions.can_join_rotation_pool, {}, LEARNERS),
    "leave the rotation pool": (permissions.can_leave_rotation_pool, {}, LEARNERS),
    "add to or tick a departure's eligibility checklist": (
        permissions.can_keep_eligibility_checklist, {}, COORDINATING
    ),
    "keep another provider's eligibility checklist": (
        permissions.can_keep_eligibility_checklist,
        {"departure": OTHER_DEPARTURE},
        COORDINATING_ELSEWHERE,
    ),
    "mark a departure ready": (permissions.can_mark_departure_ready, {}, COORDINATING),
    "mark another provider's departure ready": (
        permissions.can_mark_departure_ready,
        {"departure": OTHER_DEPARTURE},
        COORDINATING_ELSEWHERE,
    ),
    "record what became of a replacement and an employee": (
        permissions.can_record_rotation_outcome, {}, COORDINATING
    ),
    "record an outcome of another provider's departure": (
        permissions.can_record_rotation_outcome,
        {"departure": OTHER_DEPARTURE},
        COORDINATING_ELSEWHERE,
    ),
    "read the rotation's outcomes dashboard": (
        permissions.can_read_rotation_outcomes, {}, COORDINATING
    ),
    "see the posts that fit one's job, in the pool": (
        permissions.can_see_fitting_posts, {"in_pool": True}, LEARNERS
    ),
    "see the posts that fit one's job, out of the pool": (
        permissions.can_see_fitting_posts, {"in_pool": False}, NOBODY
    ),
    # projects
    "view a project": (
        permissions.can_view_project, {"place": NO_SEAT, "draft": False}, SEES_GROUP
    ),
    "view someone's draft": (
        permissions.can_view_project, {"place": NO_SEAT, "draft": True}, NOBODY
    ),
    "view one's own draft": (
        permissions.can_view_project, {"place": AUTHOR, "draft": True}, SEES_GROUP
    ),
    "propose a project": (permissions.can_propose_project, {}, ENROLLED_LEARNER),
    "edit one's draft": (permissions.can_edit_project_draft, {"place": AUTHOR}, SIGNED_IN),
    "edit someone's draft": (permissions.can_edit_project_draft, {"place": MEMBER}, NOBODY),
    "publish one's proposal": (permissions.can_publish_project, {"place": AUTHOR}, SIGNED_IN),
    "publish someone's proposal": (permissions.can_publish_project, {"place": MEMBER}, NOBODY),
    "support a proposal": (
        permissions.can_support_project, {"place": NO_SEAT}, ENROLLED_LEARNER
    ),
    "support one's own proposal": (permissions.can_support_project, {"place": AUTHOR}, NOBODY),
    "launch one's project": (permissions.can_launch_project, {"place": AUTHOR}, SIGNED_IN),
    "launch someone's project": (permissions.can_launch_project, {"place": MEMBER}, NOBODY),
    "approve or decline a proposal": (permissions.can_decide_project_proposal, {}, TEACHING),
    "join a project": (permissions.can_join_project, {"place": NO_SEAT}, ENROLLED_LEARNER),
    "join a project twice": (permissions.can_join_project, {"place": WAITING}, NOBODY),
    "leave a project": (permissions.can_leave_project, {"place": MEMBER}, SIGNED_IN),
    "leave a waitlist": (permissions.can_leave_project, {"place": WAITING}, SIGNED_IN),
    "leave one's own project": (permissions.can_leave_project, {"place": AUTHOR}, NOBODY),
    "leave a project one is not in": (
        permissions.can_leave_project, {"place": NO_SEAT}, NOBODY
    ),
    "accept who joins, as the lead": (
        permissions.can_accept_project_members, {"place": AUTHOR}, SIGNED_IN
    ),
    "accept who joins, as a member": (
        permissions.can_accept_project_members, {"place": MEMBER}, NOBODY
    ),
    "run the board, as a member": (
        permissions.can_run_project_board, {"place": MEMBER}, SIGNED_IN
    ),
    "run the board, while waiting": (
        permissions.can_run_project_board, {"place": WAITING}, NOBODY
    ),
    "post, as a member": (
        permissions.can_post_in_project, {"place": MEMBER, "locked": False}, SIGNED_IN
    ),
    "post, in a locked space": (
        permissions.can_post_in_project, {"place": MEMBER, "locked": True}, NOBODY
    ),
    "post, while waiting": (
        permissions.can_post_in_project, {"place": WAITING, "locked": False}, NOBODY
    ),
    "post, from outside": (
        permissions.can_post_in_project, {"place": NO_SEAT, "locked": False}, NOBODY
    ),
    "report a message, as a member": (
        permissions.can_flag_project_message, {"place": MEMBER}, SIGNED_IN
    ),
    "report a message, from outside": (
        permissions.can_flag_project_message, {"place": NO_SEAT}, NOBODY
    ),
    "edit one's message": (
        permissions.can_edit_project_message, message(wrote_it=True), SIGNED_IN
    ),
    "edit someone's message": (
        permissions.can_edit_project_message, message(wrote_it=False), NOBODY
    ),
    "edit one's hidden message": (
        permissions.can_edit_project_message, message(wrote_it=True, hidden=True), NOBODY
    ),
    "edit one's message in a locked space": (
        permissions.can_edit_project_message, message(wrote_it=True, locked=True), NOBODY
    ),
    "delete one's message": (
        permissions.can_delete_project_message, {"wrote_it": True}, SIGNED_IN
    ),
    "delete someone's message": (
        permissions.can_delete_project_message, {"wrote_it": False}, NOBODY
    ),
    "see a message's photo": (
        permissions.can_see_message_photo, {"hidden": False, "deleted": False}, SIGNED_IN
    ),
    "see the photo of a hidden message": (
        permissions.can_see_message_photo, {"hidden": True, "deleted": False}, NOBODY
    ),
    "see the photo of a deleted message": (
        permissions.can_see_message_photo, {"hidden": False, "deleted": True}, NOBODY
    ),
    "see why one's message was hidden": (
        permissions.can_see_why_message_hidden, {"wrote_it": True}, SIGNED_IN
    ),
    "see why someone's message was hidden": (
        permissions.can_see_why_message_hidden, {"wrote_it": False}, TEACHING
    ),
    "moderate a project space": (permissions.can_moderate_project, {}, TEACHING),
    "read a project's moderation log": (permissions.can_read_project_audit, {}, TEACHING),
    "review reported messages": (permissions.can_review_reported_messages, {}, TEACHING),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("who", PEOPLE)
def test_each_rule_allows_exactly_the_expected_roles(case: str, who: str) -> None:
    rule, given, allowed = CASES[case]
    assert rule(**arguments(rule, who, given)) is (who in allowed)


def test_every_rule_of_every_area_is_in_the_matrix() -> None:
    in_matrix = {rule for rule, _given, _allowed in CASES.values()}
    missing = [rule.__qualname__ for rule in areas.RULES if rule not in in_matrix]
    assert not missing, f"rules without a row in the matrix: {missing}"
    assert areas.RULES, "no area declares a rule"
