"""Pictures of the records: selecting them through the engine, laying out the timeline, the
shared style, and drawing the timeline and stats charts with matplotlib's Agg canvas.
"""
