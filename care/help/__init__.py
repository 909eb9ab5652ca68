"""The help centre: Wagtail pages of questions and answers and case-library articles, searched
and voted on by shoppers, written by editors with previews, workflow and scheduling."""
