"""Oscar's shipping app, forked so checkout offers the methods staff edit in the dashboard."""
