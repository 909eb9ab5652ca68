"""Customer care: the help centre that answers first, tickets with a response promise, surveys,
and complaints that go back to the workshop as remakes or repairs."""
