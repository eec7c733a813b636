"""The demo newsroom loaded by `masthead demo`: The Harbour Light, in the invented city of Porthaven.

``content`` (the newsroom) and ``stories`` (its reporting) are data; ``images`` draws the hero
illustrations; ``loader.demo_load`` writes it all through the newsroom and accounts services.
"""
