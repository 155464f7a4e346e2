"""Test doubles of libraries this machine cannot run (they mirror the real API and record every call)."""
