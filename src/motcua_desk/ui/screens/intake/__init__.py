"""Intake screen: procedure picker, applicant, channel, checklist, save and print."""
