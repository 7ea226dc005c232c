# %% [markdown]
# # PLACEHOLDER reproductions
