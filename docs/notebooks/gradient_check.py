# %% [markdown]
# # PLACEHOLDER gradient_check
