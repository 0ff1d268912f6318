"""Who may do what, in one place. Every rule is a pure function of facts the areas look up."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from community.models import EnrolmentRole, Role, User


@dataclass(frozen=True)
class IterationFacts:
    """What decides access to an iteration: whose provider it is, and the viewer's enrolment
    (its role, and when they joined)."""

    provider_id: int
    enrolment_role: str | None
    joined_at: datetime | None = None


def is_provider_staff(user: User | None, provider_id: int) -> bool:
    if user is None:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.STAFF and user.provider_id == provider_id


def can_view_iteration(user: User | None, facts: IterationFacts) -> bool:
    return user is not None and (
        facts.enrolment_role is not None or is_provider_staff(user, facts.provider_id)
    )


def teaches(user: User | None, facts: IterationFacts) -> bool:
    return user is not None and facts.enrolment_role == EnrolmentRole.TRAINER


def can_see_join_code(user: User | None, facts: IterationFacts) -> bool:
    return teaches(user, facts) or is_provider_staff(user, facts.provider_id)


def can_manage_trainings(user: User | None, provider_id: int) -> bool:
    return is_provider_staff(user, provider_id)


def can_join_iterations(user: User | None) -> bool:
    return user is not None and user.role == Role.LEARNER


def can_announce(user: User | None, facts: IterationFacts) -> bool:
    """Trainers of the group and provider staff speak to the whole group."""
    return can_see_join_code(user, facts)


def can_give_feedback(user: User | None, facts: IterationFacts) -> bool:
    """Feedback and the live pulse come from the group's learners only."""
    return user is not None and facts.enrolment_role == EnrolmentRole.LEARNER


def can_rate_session(user: User | None, facts: IterationFacts, session_ends_at: datetime) -> bool:
    """A learner rates the sessions they could have attended: not those over before they
    joined. Response rates count the same learners (`feedback.review.response_rates`)."""
    joined = facts.joined_at
    return can_give_feedback(user, facts) and (joined is None or joined < session_ends_at)


def can_review_feedback(user: User | None, facts: IterationFacts) -> bool:
    """Response rates, comments to review and the pulse screen: the group's trainers, staff."""
    return can_see_join_code(user, facts)


def can_read_report(user: User | None, facts: IterationFacts, published: bool) -> bool:
    """Trainers of the group and staff always; its learners once the provider publishes it."""
    if _hears_the_group(user, facts):
        return True
    return published and can_give_feedback(user, facts)


def can_curate_skills(user: User | None, provider_id: int) -> bool:
    """The skills catalogue is kept by the provider's staff and trainers."""
    if is_provider_staff(user, provider_id):
        return True
    return user is not None and user.role == Role.TRAINER and user.provider_id == provider_id


def can_seek_help(user: User | None) -> bool:
    """Asking, offering and marking skills are for learners."""
    return user is not None and user.role == Role.LEARNER


# --- skill map: one rule per action on target jobs, links between skills, pathways ---


def can_view_skill_map(user: User | None, provider_id: int) -> bool:
    """The map of a provider's skills is drawn by those who keep its catalogue."""
    return can_curate_skills(user, provider_id)


def can_link_skills(user: User | None, provider_id: int) -> bool:
    """Saying that one skill comes before another, or that two are related."""
    return can_curate_skills(user, provider_id)


def can_unlink_skills(user: User | None, provider_id: int) -> bool:
    return can_curate_skills(user, provider_id)


def can_define_target_job(user: User | None, provider_id: int) -> bool:
    """A job the provider's trainings lead to, and the skills it needs."""
    return can_curate_skills(user, provider_id)


def can_map_training_skills(user: User | None, provider_id: int) -> bool:
    """Which skills a training of the provider covers."""
    return can_curate_skills(user, provider_id)


def can_code_skill(user: User | None, provider_id: int) -> bool:
    """A skill's code in a national job and skill reference."""
    return can_curate_skills(user, provider_id)


def can_describe_skill(user: User | None, provider_id: int) -> bool:
    """What a skill covers, in a few words."""
    return can_curate_skills(user, provider_id)


def can_choose_target_job(user: User | None, enrolled: bool) -> bool:
    """A learner aims at a job of a provider they learn with."""
    return can_seek_help(user) and enrolled


# --- projects: one rule per action on collective projects ---


@dataclass(frozen=True)
class ProjectPlace:
    """A person's place in a project: whether they proposed it, and their seat in its team."""

    is_author: bool = False
    joined: bool = False  # a seat taken, waiting for the lead's approval or on the waitlist
    is_member: bool = False  # a seat taken
    is_lead: bool = False


def _learner_in(user: User | None, facts: IterationFacts) -> bool:
    return user is not None and facts.enrolment_role == EnrolmentRole.LEARNER


def _looks_after_projects(user: User | None, facts: IterationFacts) -> bool:
    """The group's trainers and the provider's staff look after the group's project spaces."""
    return teaches(user, facts) or is_provider_staff(user, facts.provider_id)


def _seated(user: User | None, place: ProjectPlace) -> bool:
    return user is not None and place.is_member


def can_view_project(
    user: User | None, facts: IterationFacts, place: ProjectPlace, draft: bool
) -> bool:
    """Those who see the group see its projects; a draft is its author's alone."""
    sees_group = user is not None and (
        facts.enrolment_role is not None or is_provider_staff(user, facts.provider_id)
    )
    return sees_group and (place.is_author or not draft)


def can_propose_project(user: User | None, facts: IterationFacts) -> bool:
    return _learner_in(user, facts)


def can_edit_project_draft(user: User | None, place: ProjectPlace) -> bool:
    return user is not None and place.is_author


def can_publish_project(user: User | None, place: ProjectPlace) -> bool:
    return user is not None and place.is_author


def can_support_project(user: User | None, facts: IterationFacts, place: ProjectPlace) -> bool:
    """Peers support a proposal; its author's support would prove nothing."""
    return _learner_in(user, facts) and not place.is_author


def can_launch_project(user: User | None, place: ProjectPlace) -> bool:
    return user is not None and place.is_author


def can_decide_project_proposal(user: User | None, facts: IterationFacts) -> bool:
    """Approve a proposal without waiting for supports, or decline it."""
    return _looks_after_projects(user, facts)


def can_join_project(user: User | None, facts: IterationFacts, place: ProjectPlace) -> bool:
    return _learner_in(user, facts) and not place.joined


def can_leave_project(user: User | None, place: ProjectPlace) -> bool:
    """Anyone with a seat, taken or waiting, but the lead: a project keeps its lead."""
    return user is not None and place.joined and not place.is_lead


def can_accept_project_members(user: User | None, place: ProjectPlace) -> bool:
    return user is not None and place.is_lead


def can_run_project_board(user: User | None, place: ProjectPlace) -> bool:
    """Tasks and milestones are the team's: its members add and move them."""
    return _seated(user, place)


def can_post_in_project(user: User | None, place: ProjectPlace, locked: bool) -> bool:
    """The team writes in its space, unless a trainer locked it: then it is read-only."""
    return _seated(user, place) and not locked


def can_flag_project_message(user: User | None, place: ProjectPlace) -> bool:
    return _seated(user, place)


def can_edit_project_message(user: User | None, wrote_it: bool, hidden: bool, locked: bool) -> bool:
    """Its author, unless a trainer hid it or locked the space: what a trainer hid or froze
    stays as the trainer saw it."""
    return user is not None and wrote_it and not hidden and not locked


def can_delete_project_message(user: User | None, wrote_it: bool) -> bool:
    return user is not None and wrote_it


def can_see_message_photo(user: User | None, hidden: bool, deleted: bool) -> bool:
    """Those who read the discussion see a message's photo while the message is shown: a
    picture a trainer hid is hidden from the trainers too, so that no address serves it."""
    return user is not None and not hidden and not deleted


def can_see_why_message_hidden(user: User | None, facts: IterationFacts, wrote_it: bool) -> bool:
    """Its author is told why; the rest of the team only sees that it was hidden."""
    return (user is not None and wrote_it) or _looks_after_projects(user, facts)


def can_moderate_project(user: User | None, facts: IterationFacts) -> bool:
    """Hide and pin messages, lock the space or slow it down, remove a member."""
    return _looks_after_projects(user, facts)


def can_read_project_audit(user: User | None, facts: IterationFacts) -> bool:
    return _looks_after_projects(user, facts)


def can_review_reported_messages(user: User | None, facts: IterationFacts) -> bool:
    """The queue of messages reported in the group's projects."""
    return _looks_after_projects(user, facts)


# --- tutoring: one rule per action on peer help and skills ---


class HelpPart(StrEnum):
    """What someone is to a help request."""

    REQUESTER = "requester"
    TUTOR = "tutor"  # the peer whose offer was accepted
    PEER = "peer"  # a learner of the same provider


@dataclass(frozen=True)
class HelpFacts:
    """What decides access to a help request: what the person is to it (None: a stranger,
    who may not know it exists), and whether a tutor was chosen."""

    part: HelpPart | None
    matched: bool


def can_ask_for_help(user: User | None, enrolled: bool) -> bool:
    """Learners ask the peers of a group they learn in."""
    return can_seek_help(user) and enrolled


def can_read_help_request(user: User | None, help_request: HelpFacts) -> bool:
    return can_seek_help(user) and help_request.part is not None


def can_offer_help(user: User | None, help_request: HelpFacts) -> bool:
    """Any peer who may read the request, except the one who asked."""
    return can_read_help_request(user, help_request) and help_request.part != HelpPart.REQUESTER


def _asked(user: User | None, help_request: HelpFacts) -> bool:
    return can_seek_help(user) and help_request.part == HelpPart.REQUESTER


def _in_the_session(user: User | None, help_request: HelpFacts) -> bool:
    return (
        can_seek_help(user)
        and help_request.matched
        and help_request.part in (HelpPart.REQUESTER, HelpPart.TUTOR)
    )


def can_accept_help_offer(user: User | None, help_request: HelpFacts) -> bool:
    """The one who asked chooses among the offers."""
    return _asked(user, help_request)


def can_schedule_help_session(user: User | None, help_request: HelpFacts) -> bool:
    """Either of the two people of the session, once the tutor is chosen."""
    return _in_the_session(user, help_request)


def can_confirm_help_session(user: User | None, help_request: HelpFacts) -> bool:
    """Each of the two people of the session says it took place."""
    return _in_the_session(user, help_request)


def can_cancel_help_request(user: User | None, help_request: HelpFacts) -> bool:
    """The one who asked, at any time; the tutor, once chosen."""
    return can_seek_help(user) and help_request.part in (HelpPart.REQUESTER, HelpPart.TUTOR)


def can_thank_tutor(user: User | None, help_request: HelpFacts) -> bool:
    """Thanks and the rating come from the one who was helped."""
    return _asked(user, help_request)


def can_mark_skills(user: User | None) -> bool:
    """Learners say what they can help with and what they want to learn."""
    return can_seek_help(user)


def can_suggest_skill(user: User | None, enrolled: bool) -> bool:
    """A learner suggests a skill to the catalogue of a provider they learn with."""
    return can_seek_help(user) and enrolled


def can_see_skill_suggestions(user: User | None, enrolled: bool) -> bool:
    """Skills suggested for a need come from the catalogues of the learner's own groups."""
    return can_seek_help(user) and enrolled


def can_read_help_needs(user: User | None, facts: IterationFacts) -> bool:
    """A group's needs and its tutors' mean rating: its trainers and the provider's staff."""
    return teaches(user, facts) or is_provider_staff(user, facts.provider_id)


# --- pathways: the learner's compass ---


def can_open_compass(user: User | None) -> bool:
    """The compass reads a learner's own evidence: learners only."""
    return user is not None and user.role == Role.LEARNER


def can_turn_suggestions(user: User | None) -> bool:
    """Suggestions on or off is the learner's own choice."""
    return can_open_compass(user)


def can_judge_card(user: User | None) -> bool:
    """ "It helped" or "not for me" on a card shown to them."""
    return can_open_compass(user)


def can_erase_card_verdicts(user: User | None) -> bool:
    """What they said of cards is theirs to erase."""
    return can_open_compass(user)


def can_pin_card(user: User | None, facts: IterationFacts) -> bool:
    """A trainer of the learner's group puts a card on their compass, or takes it off."""
    return teaches(user, facts)


def can_remove_card(user: User | None, facts: IterationFacts) -> bool:
    """A trainer of the learner's group takes a computed card off their compass, or puts it
    back; they alone see the learner's cards for that."""
    return teaches(user, facts)


def can_read_suggestion_fairness(user: User | None, provider_id: int) -> bool:
    """How suggestions reach each group of a training (above the threshold): the provider's
    staff and trainers, never another provider's."""
    if user is None:
        return False
    trainer = user.role == Role.TRAINER and user.provider_id == provider_id
    return trainer or is_provider_staff(user, provider_id)


def can_read_card_report(user: User | None, facts: IterationFacts) -> bool:
    """How the group's cards were received (above the threshold): its trainers, staff."""
    return teaches(user, facts) or is_provider_staff(user, facts.provider_id)


# --- before the session (flipped learning): capsules and the readiness board ---


def can_prepare_capsule(user: User | None, facts: IterationFacts) -> bool:
    """Resources to explore before a session are chosen by the group's trainers."""
    return teaches(user, facts)


def can_explore_capsule(user: User | None, facts: IterationFacts) -> bool:
    """Marking resources explored, rating them, answering checkpoints: the group's learners."""
    return user is not None and facts.enrolment_role == EnrolmentRole.LEARNER


def can_say_what_blocks(user: User | None, facts: IterationFacts) -> bool:
    """The answer to "what is blocking you?" comes from the group's learners."""
    return can_explore_capsule(user, facts)


def can_read_readiness(user: User | None, facts: IterationFacts) -> bool:
    """The readiness board (counts, and topics from k learners): the group's trainers and
    their provider's staff."""
    return teaches(user, facts) or is_provider_staff(user, facts.provider_id)


def can_name_topic(user: User | None, facts: IterationFacts) -> bool:
    """Renaming a topic of blocking points on the board."""
    return can_read_readiness(user, facts)


def can_merge_topics(user: User | None, facts: IterationFacts) -> bool:
    """Making one topic of two on the board, when the computed ones split a difficulty."""
    return can_read_readiness(user, facts)


def can_record_capsule_change(user: User | None, facts: IterationFacts) -> bool:
    """ "You said, we did": what the session changes because of what learners said."""
    return can_read_readiness(user, facts)


def can_read_capsule_changes(user: User | None, facts: IterationFacts) -> bool:
    """The changes recorded for a session: its group's learners and whoever reads the board."""
    return can_explore_capsule(user, facts) or can_read_readiness(user, facts)


def can_ask_about_capsule(user: User | None, facts: IterationFacts) -> bool:
    """Questions about a capsule, before the session: the group's learners."""
    return can_explore_capsule(user, facts)


def can_answer_about_capsule(user: User | None, facts: IterationFacts) -> bool:
    """Answers to those questions: the session's peers and its trainers."""
    return can_explore_capsule(user, facts) or teaches(user, facts)


def can_moderate_capsule_questions(user: User | None, facts: IterationFacts) -> bool:
    """Hiding a question or an answer, marking the good answer: the group's trainers."""
    return teaches(user, facts)


def can_invite_peer_tutors(user: User | None, facts: IterationFacts) -> bool:
    """Inviting the learners who were ready to help the others: the group's trainers."""
    return teaches(user, facts)


def can_answer_peer_invitation(user: User | None, facts: IterationFacts) -> bool:
    """Accepting or declining to help peers is the invited learner's own choice."""
    return can_explore_capsule(user, facts)


# --- after work (reverse work-study): the journal, mentor links, pooling ---


def can_keep_journal(user: User | None) -> bool:
    """A journal of work situations is a learner's own."""
    return user is not None and user.role == Role.LEARNER


def can_write_entry(user: User | None, facts: IterationFacts) -> bool:
    """A learner writes entries within a group they learn in (its catalogue of skills)."""
    return user is not None and facts.enrolment_role == EnrolmentRole.LEARNER


def can_read_entry(user: User | None, facts: IterationFacts, is_author: bool, shared: bool) -> bool:
    """Private until shared: its author only, trainers included. Once shared with the
    group for a session: the group's learners and trainers too."""
    if user is None:
        return False
    if is_author:
        return True
    return shared and facts.enrolment_role is not None


def can_change_entry(user: User | None, is_author: bool) -> bool:
    """Editing, deleting, sharing or sending an entry to a mentor: its author only."""
    return user is not None and is_author


def can_share_entry(user: User | None, facts: IterationFacts, is_author: bool) -> bool:
    """An entry is shared with a session of a group its author learns in."""
    return can_change_entry(user, is_author) and facts.enrolment_role == EnrolmentRole.LEARNER


def can_bridge_own_text(user: User | None, is_author: bool) -> bool:
    """A blocking point or a journal entry becomes a help request or a project proposal
    (prefilled, sent by the learner): its author only, the text staying private."""
    return user is not None and is_author


def can_answer_as_mentor(usable: bool) -> bool:
    """A mentor has no account: the link, while neither expired nor revoked, is the right."""
    return usable


def can_read_pooling(user: User | None, facts: IterationFacts) -> bool:
    """A session's pooling page: the group's learners and trainers."""
    return user is not None and facts.enrolment_role is not None


def can_comment_shared_entry(user: User | None, facts: IterationFacts) -> bool:
    """Peers of the group and its trainers comment on what was shared with it."""
    return can_read_pooling(user, facts)


def can_prepare_pooling(user: User | None, facts: IterationFacts) -> bool:
    """Shared entries grouped by skill, and the skills most practised: the group's trainers."""
    return teaches(user, facts)


def can_pick_entry_to_discuss(user: User | None, facts: IterationFacts) -> bool:
    """Which shared entries the session discusses, and in which order: the group's trainers,
    never a learner."""
    return teaches(user, facts)


def can_validate_skill(user: User | None, facts: IterationFacts) -> bool:
    """A skill observed or validated from a shared entry: the trainers of the entry's group,
    never a learner."""
    return teaches(user, facts)


def can_read_skill_evidence(
    user: User | None, is_learner: bool, facts: IterationFacts | None
) -> bool:
    """A learner's evidence by skill: the learner, and the trainers of a group they learn in
    (`facts`: the reader's place in that group)."""
    return user is not None and (is_learner or (facts is not None and teaches(user, facts)))


def can_print_dossier(user: User | None) -> bool:
    """The dossier for the funder gathers private entries: its learner alone prints it."""
    return can_keep_journal(user)


# --- feedback, pulse, reports, improvements: one rule per action ---


def _hears_the_group(user: User | None, facts: IterationFacts) -> bool:
    """Those who hear how the group's sessions went: its trainers and its provider's staff."""
    return teaches(user, facts) or is_provider_staff(user, facts.provider_id)


def can_review_comments(user: User | None, facts: IterationFacts) -> bool:
    """Publish, keep private or delete the comments learners leave on the group's sessions."""
    return _hears_the_group(user, facts)


def can_see_response_rates(user: User | None, facts: IterationFacts) -> bool:
    """How many of the group's learners answered each session (counts, never names)."""
    return _hears_the_group(user, facts)


def can_set_feedback_criteria(user: User | None, provider_id: int) -> bool:
    """What learners rate in a training is the provider's choice."""
    return is_provider_staff(user, provider_id)


def can_send_pulse(user: User | None, facts: IterationFacts) -> bool:
    """Tap a signal, ask or back a question during a session: the group's learners."""
    return user is not None and facts.enrolment_role == EnrolmentRole.LEARNER


def can_watch_pulse(user: User | None, facts: IterationFacts) -> bool:
    """The room's pulse on the screen: whoever runs the session."""
    return _hears_the_group(user, facts)


def can_open_reports(user: User | None) -> bool:
    """The reports pages are for those who teach or run trainings; learners read their
    group's published results from the group's page."""
    return user is not None and user.role != Role.LEARNER


def can_follow_provider_reports(user: User | None, provider_id: int) -> bool:
    """Every group of the provider is listed for its staff, not only the groups they teach."""
    return is_provider_staff(user, provider_id)


def can_publish_report(user: User | None, provider_id: int) -> bool:
    """Show a group's results to its learners, or stop: the provider decides."""
    return is_provider_staff(user, provider_id)


def can_set_anonymity_threshold(user: User | None, provider_id: int) -> bool:
    """The k behind every figure of the provider's reports."""
    return is_provider_staff(user, provider_id)


def can_compare_formats(user: User | None, provider_id: int) -> bool:
    """Pooling every group of a format spans trainings that trainers do not teach."""
    return is_provider_staff(user, provider_id)


def can_read_evidence(user: User | None, provider_id: int) -> bool:
    """The record for quality audits covers the whole provider."""
    return is_provider_staff(user, provider_id)


def can_record_improvement(user: User | None, provider_id: int) -> bool:
    """Decide what changes for a later group ("you said, we did")."""
    return is_provider_staff(user, provider_id)


# --- accounts, trainings, announcements: one rule per action ---


def can_edit_profile(user: User | None) -> bool:
    """Everyone signed in edits their own profile; nobody reaches anyone else's."""
    return user is not None


def can_request_data_export(user: User | None) -> bool:
    """Everyone signed in may have an archive of their own data (GDPR art. 15 and 20)."""
    return user is not None


def can_download_data_export(user: User | None, owns_it: bool) -> bool:
    """An archive is its owner's alone: nobody else, staff included, may download it."""
    return user is not None and owns_it


def can_ask_address_check(user: User | None) -> bool:
    """A link to confirm one's own address, until it is confirmed."""
    return user is not None and user.erased_at is None and user.email_confirmed_at is None


def can_choose_digests(user: User | None) -> bool:
    """How often the e-mail digest comes, and what it says: learners, for themselves (the
    digest carries a learner's news)."""
    return user is not None and user.erased_at is None and user.role == Role.LEARNER


def can_unsubscribe_from_digests(link_is_signed: bool) -> bool:
    """Stop the digests from the link in one of them, without signing in: the link's
    signature (the app's secret key) says whose digests they are."""
    return link_is_signed


def can_read_outbox(user: User | None) -> bool:
    """The mails waiting or sent: the administrators only (links in them open accounts)."""
    return user is not None and user.role == Role.ADMIN


def can_create_training(user: User | None, provider_id: int) -> bool:
    return is_provider_staff(user, provider_id)


def can_create_iteration(user: User | None, provider_id: int) -> bool:
    return is_provider_staff(user, provider_id)


def can_add_session(user: User | None, facts: IterationFacts) -> bool:
    """The provider plans the sessions; its trainers teach them."""
    return is_provider_staff(user, facts.provider_id)


def can_add_trainer(user: User | None, facts: IterationFacts) -> bool:
    return is_provider_staff(user, facts.provider_id)


def can_remove_member(user: User | None, facts: IterationFacts) -> bool:
    return is_provider_staff(user, facts.provider_id)


def can_renew_join_code(user: User | None, facts: IterationFacts) -> bool:
    """Trainers read the code out to their group; renewing it is the provider's call."""
    return is_provider_staff(user, facts.provider_id)


def can_set_support_threshold(user: User | None, facts: IterationFacts) -> bool:
    """How many supports a project proposal needs: the group's trainers know their group."""
    return teaches(user, facts) or is_provider_staff(user, facts.provider_id)


# --- privacy: the record of processing and the retention job ---


def can_read_processing_record(user: User | None) -> bool:
    """What Ruche holds, why and for how long: the same declarations for every provider, and
    each provider's staff answer for it to their learners (GDPR art. 30)."""
    return user is not None and user.role in (Role.STAFF, Role.ADMIN)


def can_read_retention_runs(user: User | None) -> bool:
    """The job's runs count rows across every provider: the administrators' alone."""
    return user is not None and user.role == Role.ADMIN


# --- erasure: deleting an account ---


@dataclass(frozen=True)
class AccountHolder:
    """Whose account staff are asked to delete: their role, the providers they belong to
    (a trainer's own; a learner's, through their enrolments), and whether it is the asker."""

    role: str
    provider_ids: frozenset[int]
    is_self: bool


def can_delete_own_account(user: User | None) -> bool:
    """Everyone signed in may delete their own account."""
    return user is not None


def can_take_erasure_requests(user: User | None) -> bool:
    """Provider staff and administrators delete accounts on their holders' request."""
    return user is not None and user.role in (Role.STAFF, Role.ADMIN)


def can_erase_account_of(user: User | None, holder: AccountHolder) -> bool:
    """A learner or trainer of the staff's own provider; never staff or an administrator, and
    never oneself this way (one's own account goes from one's profile)."""
    return (
        not holder.is_self
        and holder.role in (Role.LEARNER, Role.TRAINER)
        and any(is_provider_staff(user, provider_id) for provider_id in holder.provider_ids)
    )


# --- rotation ("Relais"): companies, departures, the pool, proposals ---


@dataclass(frozen=True)
class DepartureFacts:
    """What decides access to a departure: the provider whose scheme it belongs to, whether
    the viewer speaks for its company, whether they are a candidate proposed for it, the
    employee who leaves, or the replacement both sides accepted."""

    provider_id: int
    is_contact: bool = False
    is_candidate: bool = False
    is_employee: bool = False
    is_replacement: bool = False
    # The providers the viewer coordinates as a regional coordinator (none for anyone else).
    region: frozenset[int] = frozenset()


def is_company_contact(user: User | None) -> bool:
    return user is not None and user.role == Role.COMPANY


def can_coordinate_rotation(
    user: User | None, provider_id: int, region: Collection[int] = ()
) -> bool:
    """The provider's staff run its rotation: companies, pool, matching, proposals; so does
    a regional coordinator for each provider of their region (`region`, as given by an admin)."""
    if is_provider_staff(user, provider_id):
        return True
    return user is not None and user.role == Role.COORDINATOR and provider_id in region


def can_appoint_regional_coordinator(user: User | None) -> bool:
    """Who runs the rotation of several providers is decided above them: an admin."""
    return user is not None and user.role == Role.ADMIN


def can_invite_company_contact(
    user: User | None, provider_id: int, region: Collection[int] = ()
) -> bool:
    return can_coordinate_rotation(user, provider_id, region)


def can_declare_departure(user: User | None, is_contact: bool) -> bool:
    """Only someone who speaks for the company declares who leaves it."""
    return is_company_contact(user) and is_contact


def _is_learner(user: User | None) -> bool:
    return user is not None and user.role == Role.LEARNER


def can_view_departure(user: User | None, departure: DepartureFacts) -> bool:
    """Its company, its coordinators, and the two people it is about: the employee who
    leaves and the replacement once both sides accepted."""
    if is_company_contact(user) and departure.is_contact:
        return True
    if _is_learner(user) and (departure.is_employee or departure.is_replacement):
        return True
    return can_coordinate_rotation(user, departure.provider_id, departure.region)


def can_name_departing_employee(user: User | None, departure: DepartureFacts) -> bool:
    """The company links its departure to the employee's account, or invites them."""
    return is_company_contact(user) and departure.is_contact


def can_write_handover(user: User | None, departure: DepartureFacts) -> bool:
    """The handover is the departing employee's own words."""
    return _is_learner(user) and departure.is_employee


def can_read_handover(user: User | None, departure: DepartureFacts) -> bool:
    """The replacement reads it only once both sides accepted them (is_replacement)."""
    if _is_learner(user) and (departure.is_employee or departure.is_replacement):
        return True
    if is_company_contact(user) and departure.is_contact:
        return True
    return can_coordinate_rotation(user, departure.provider_id, departure.region)


def can_log_handover_tutoring(user: User | None, departure: DepartureFacts) -> bool:
    """The departing employee tutors their replacement and notes each session down."""
    return can_write_handover(user, departure)


def can_match_candidates(user: User | None, departure: DepartureFacts) -> bool:
    """The ranked pool, with each candidate's reasons: coordinators only."""
    return can_coordinate_rotation(user, departure.provider_id, departure.region)


def can_propose_candidate(user: User | None, departure: DepartureFacts) -> bool:
    return can_coordinate_rotation(user, departure.provider_id, departure.region)


def can_choose_onboarding_group(user: User | None, departure: DepartureFacts) -> bool:
    """The group the replacement is onboarded in is one of the provider's: its coordinators."""
    return can_coordinate_rotation(user, departure.provider_id, departure.region)


def can_decide_as_company(user: User | None, departure: DepartureFacts) -> bool:
    return is_company_contact(user) and departure.is_contact


def can_decide_as_candidate(user: User | None, departure: DepartureFacts) -> bool:
    return user is not None and user.role == Role.LEARNER and departure.is_candidate


def can_see_candidate_contact(user: User | None, departure: DepartureFacts, both: bool) -> bool:
    """A candidate's address reaches the company only once both sides accepted."""
    if can_coordinate_rotation(user, departure.provider_id, departure.region):
        return True
    return both and can_decide_as_company(user, departure)


def can_join_rotation_pool(user: User | None) -> bool:
    """Job-seeker learners opt in themselves; nobody puts another in the pool."""
    return user is not None and user.role == Role.LEARNER


def can_leave_rotation_pool(user: User | None) -> bool:
    return can_join_rotation_pool(user)


# --- virtual reality and 360°: scenes, comfort and debriefs, headsets by slot ---


def can_add_vr_scene(user: User | None, provider_id: int) -> bool:
    """A 360° scene joins the provider's catalogue through those who keep its skills."""
    return can_curate_skills(user, provider_id)


def can_open_vr_scene(user: User | None, provider_id: int, enrolled: bool) -> bool:
    """The catalogue: its keepers, and the learners of the provider's groups."""
    return can_curate_skills(user, provider_id) or (can_seek_help(user) and enrolled)


def can_practise_vr(user: User | None, enrolled: bool) -> bool:
    """Comfort check, practice and debrief: a learner of the provider's groups."""
    return can_seek_help(user) and enrolled


def can_read_vr_debrief(user: User | None, wrote_it: bool) -> bool:
    """A debrief is its learner's alone, trainers included."""
    return user is not None and wrote_it


def can_manage_headsets(user: User | None, provider_id: int) -> bool:
    """The provider's headsets and the slots they can be booked for."""
    return can_curate_skills(user, provider_id)


def can_book_headset(user: User | None, enrolled: bool) -> bool:
    return can_practise_vr(user, enrolled)


def can_cancel_headset_booking(user: User | None, booked_it: bool) -> bool:
    """Only the learner who booked a slot gives it back."""
    return user is not None and booked_it


def can_keep_eligibility_checklist(user: User | None, departure: DepartureFacts) -> bool:
    """The coordinator checks eligibility: adds the checklist's items and ticks them."""
    return can_coordinate_rotation(user, departure.provider_id, departure.region)


def can_mark_departure_ready(user: User | None, departure: DepartureFacts) -> bool:
    return can_coordinate_rotation(user, departure.provider_id, departure.region)


def can_record_rotation_outcome(user: User | None, departure: DepartureFacts) -> bool:
    """What became of both people is said by the coordinator, who follows them."""
    return can_coordinate_rotation(user, departure.provider_id, departure.region)


def can_read_rotation_outcomes(
    user: User | None, provider_id: int, region: Collection[int] = ()
) -> bool:
    """The outcomes dashboard of a provider's rotation: its coordinators and staff."""
    return can_coordinate_rotation(user, provider_id, region)


def can_see_fitting_posts(user: User | None, in_pool: bool) -> bool:
    """Open posts that fit a learner's target job are shown only to one who consented to the
    pool: outside it, a learner gets a link to the pool, never the companies' departures."""
    return can_join_rotation_pool(user) and in_pool
