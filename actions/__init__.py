"""Custom actions for the rasa-sdk action server (`python -m rasa_sdk --actions actions`).

One module per concern:
  session.py    action_session_start: a new session keeps language, age group and country, and the numbers
  helplines.py  action_set_helplines: the helpline slots for the child's country
  risk.py       action_assess_risk: conversation-level risk that only goes up within a session
  profile.py    action_next_profile_question: the gentle age / country questions, asked once
  handoff.py    action_handoff, action_pause_for_counsellor: the counsellor queue
"""
