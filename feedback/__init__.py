"""Threads, replies, structured feedback, reactions, feedback requests and moderation."""
