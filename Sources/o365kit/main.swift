import O365KitCore
print(o365kitVersion)
