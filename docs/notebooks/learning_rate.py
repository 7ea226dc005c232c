# %% [markdown]
# # PLACEHOLDER learning_rate
