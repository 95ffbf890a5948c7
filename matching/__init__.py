"""The matching engine: what a resident's question is about, and how sure we are.

textanalysis turns text into matching terms; lexical scores topics by those terms (TF-IDF);
places finds stadsdelen, wijken and postcodes in a text; decision joins them into one answer kind.
The dialogues in flows/ use it; it knows nothing of conversations or channels.
"""
