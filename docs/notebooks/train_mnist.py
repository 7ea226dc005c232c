# %% [markdown]
# # PLACEHOLDER train_mnist
