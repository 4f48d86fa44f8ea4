"""Export for headquarters and, at headquarters, consolidation of posts' workbooks."""
