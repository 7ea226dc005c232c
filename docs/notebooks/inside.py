# %% [markdown]
# # PLACEHOLDER inside
