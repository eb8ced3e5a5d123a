"""Offer planning: effects with and without the offer, the budgeted selection, the lottery."""
