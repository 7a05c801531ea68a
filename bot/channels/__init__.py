"""Rasa input/output channels children use: the web chat (`webchat`) and WhatsApp (`whatsapp`).

Both are listed in credentials.yml and implement `get_output_channel()`, so counsellor replies posted
through Rasa's HTTP API (`output_channel=latest`) reach the child. See docs/channels.md.
"""
